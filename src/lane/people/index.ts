export { initialPeopleState, stepPeople } from './people-machine.js';
export {
  DEFAULT_PEOPLE_TIMEOUTS,
  peoplePassageLimitMs,
  type PeopleFlowConfig,
  type PeopleFlowState,
  type PeoplePassage,
  type PeoplePhase,
  type PeopleTimeouts,
} from './people-types.js';
