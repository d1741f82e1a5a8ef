import { faceTemplatesList, watchlistList } from './biometric-lists.js';
import type { ListName } from './list-codes.js';
import type { ListDefinition } from './list-definition.js';
import { credentialsList, subjectsList } from './people-lists.js';
import { cargoList, vehiclesList } from './vehicle-lists.js';

export const LIST_DEFINITIONS: Readonly<Record<ListName, ListDefinition>> = {
  subjects: subjectsList,
  credentials: credentialsList,
  'face-templates': faceTemplatesList,
  vehicles: vehiclesList,
  cargo: cargoList,
  watchlist: watchlistList,
};
