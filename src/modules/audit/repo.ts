// The SQL of the audit log: every statement on audit_log, named, in one place.
// No other module writes this table; test/unit/query-plans.test.ts plans each statement.
export const PRUNE_BATCH = 1000;

export const SQL = {
  INSERT: `INSERT INTO audit_log (at, actor_kind, actor, actor_ref, address, method, route, entity, entity_id, action, status, before, after)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  // The row written before the handler runs (status 0) gets its outcome once the answer is decided.
  FINISH: "UPDATE audit_log SET entity_id = ?, status = ?, before = ?, after = ? WHERE id = ?",
  // Newest first, walking the ids down; a filter left empty ('') matches everything.
  PAGE: `SELECT * FROM audit_log WHERE id < $before AND at >= $from AND at < $to
  AND ($entity = '' OR entity = $entity) AND ($entity_id = '' OR entity_id = $entity_id)
  AND ($actor = '' OR actor = $actor) AND ($action = '' OR action = $action)
  ORDER BY id DESC LIMIT $limit`,
  // The names the filters offer (a short list: entities and actors seen).
  ENTITIES: "SELECT DISTINCT entity FROM audit_log ORDER BY entity",
  ACTORS: "SELECT DISTINCT actor FROM audit_log ORDER BY actor",
  DELETE_OLD: `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ${PRUNE_BATCH})`,
};
