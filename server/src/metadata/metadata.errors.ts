import { defineError } from '../errors/app-error.js';

export const MetadataInvalid = defineError('METADATA_INVALID', 422, 'The metadata is not valid');
export const MetadataItemNotFound = defineError('METADATA_ITEM_NOT_FOUND', 404, 'No such metadata item in the draft');
export const MetadataVersionNotFound = defineError('METADATA_VERSION_NOT_FOUND', 404, 'No such metadata version');
export const MetadataConflict = defineError('METADATA_CONFLICT', 409, 'The metadata was changed by someone else; reload and try again');
export const MetadataMigrationBlocked = defineError(
  'METADATA_MIGRATION_BLOCKED',
  409,
  'Publishing would change stored data in ways that need a decision',
);
export const MetadataPublishBusy = defineError('METADATA_PUBLISH_BUSY', 409, 'Another publish is in progress; try again when it finishes');
export const MetadataNothingToPublish = defineError('METADATA_NOTHING_TO_PUBLISH', 409, 'The draft is the same as the current version');
