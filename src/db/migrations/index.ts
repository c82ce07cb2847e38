// Every migration the binary knows, in order. Add new files here; never edit landed ones.
import type { Migration } from "../migrate";
import init from "./0001_init";
import inboundWebhooks from "./0002_inbound_webhooks";
import deliveriesWorker from "./0003_deliveries_worker";
import liveChat from "./0004_live_chat";
import contactSearch from "./0005_contact_search";
import contactNameIndexes from "./0006_contact_name_indexes";
import tokenAccess from "./0007_token_access";
import logsById from "./0008_logs_by_id";
import hourlyCounts from "./0009_hourly_counts";
import deliverySecretRefs from "./0010_delivery_secret_refs";
import messageRelay from "./0011_message_relay";
import messageErrors from "./0012_message_errors";
import tagsAndGender from "./0013_tags_and_gender";
import searchBehindWrites from "./0014_search_behind_writes";
import conditionsAndReplies from "./0015_conditions_and_replies";
import testPayloads from "./0016_test_payloads";
import bulkReplays from "./0017_bulk_replays";
import followUps from "./0018_follow_ups";
import contactImports from "./0019_contact_imports";
import secretRotation from "./0020_secret_rotation";
import targetLimits from "./0021_target_limits";
import targetCircuits from "./0022_target_circuits";
import alerts from "./0023_alerts";
import sharedLimits from "./0024_shared_limits";
import userRoles from "./0025_user_roles";

export const migrations: readonly Migration[] = [init, inboundWebhooks, deliveriesWorker, liveChat, contactSearch, contactNameIndexes, tokenAccess, logsById, hourlyCounts, deliverySecretRefs, messageRelay, messageErrors, tagsAndGender, searchBehindWrites, conditionsAndReplies, testPayloads, bulkReplays, followUps, contactImports, secretRotation, targetLimits, targetCircuits, alerts, sharedLimits, userRoles];
