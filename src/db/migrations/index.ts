// Every migration the binary knows, in order. Add new files here; never edit landed ones.
import type { Migration } from "../migrate";
import init from "./0001_init";

export const migrations: readonly Migration[] = [init];
