import { InitialSchema1764288000000 } from './1764288000000-initial-schema';

/** Every migration, oldest first; add new ones at the end. */
export const MIGRATIONS = [InitialSchema1764288000000];
