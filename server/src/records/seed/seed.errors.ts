import { defineError } from '../../errors/app-error.js';

export const SeedLoadNotFound = defineError('SEED_LOAD_NOT_FOUND', 404, 'No such seed load');
export const SeedLoadBusy = defineError(
  'SEED_LOAD_BUSY',
  409,
  "Another load of this package's records is under way; try again when it has finished",
);
