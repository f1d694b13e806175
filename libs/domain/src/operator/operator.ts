import type { Decider, Event } from '../shared/event';
import { DomainError, assertNever } from '../shared/errors';

export const operatorStream = (operatorId: string): string => `operator-${operatorId}`;

export const OPERATOR_PLANS = ['starter', 'professional', 'enterprise'] as const;
export type OperatorPlan = (typeof OPERATOR_PLANS)[number];
export const OPERATOR_STATUSES = ['active', 'suspended'] as const;
export type OperatorStatus = (typeof OPERATOR_STATUSES)[number];

/** The operator's editable profile. */
export type OperatorProfile = Readonly<{
  name: string;
  plan: OperatorPlan;
  contactEmail: string;
  industry: string | null;
}>;

export type OperatorCreated = Event<
  'OperatorCreated',
  OperatorProfile & { operatorId: string; platformId: string; createdAt: string }
>;
export type OperatorUpdated = Event<
  'OperatorUpdated',
  { operatorId: string; changes: Partial<OperatorProfile>; updatedAt: string }
>;
export type OperatorSuspended = Event<'OperatorSuspended', { operatorId: string; suspendedAt: string }>;
export type OperatorReactivated = Event<'OperatorReactivated', { operatorId: string; reactivatedAt: string }>;
export type OperatorEvent = OperatorCreated | OperatorUpdated | OperatorSuspended | OperatorReactivated;

export type CreateOperator = Readonly<{
  type: 'CreateOperator';
  operatorId: string;
  platformId: string;
  profile: OperatorProfile;
  at: string;
}>;
export type UpdateOperator = Readonly<{
  type: 'UpdateOperator';
  operatorId: string;
  platformId: string;
  changes: Partial<OperatorProfile>;
  status?: OperatorStatus;
  at: string;
}>;
export type SuspendOperator = Readonly<{ type: 'SuspendOperator'; operatorId: string; platformId: string; at: string }>;
export type OperatorCommand = CreateOperator | UpdateOperator | SuspendOperator;

export type Operator =
  | Readonly<{ status: 'none' }>
  | Readonly<{ status: OperatorStatus; id: string; platformId: string; profile: OperatorProfile }>;

function decide(command: OperatorCommand, state: Operator): OperatorEvent[] {
  switch (command.type) {
    case 'CreateOperator':
      return create(command, state);
    case 'UpdateOperator':
      return update(command, ownedBy(state, command.platformId));
    case 'SuspendOperator':
      return suspend(command, ownedBy(state, command.platformId));
    default:
      return assertNever(command, 'operator command');
  }
}

type ExistingOperator = Exclude<Operator, { status: 'none' }>;

/** Another platform's operator does not exist for the caller: 404, never 403. */
function ownedBy(state: Operator, platformId: string): ExistingOperator {
  if (state.status === 'none' || state.platformId !== platformId) {
    throw new DomainError('OPERATOR_NOT_FOUND', 'Operator not found');
  }
  return state;
}

function create(command: CreateOperator, state: Operator): OperatorEvent[] {
  if (state.status !== 'none') throw new DomainError('CONFLICT', 'Operator already exists');
  const { operatorId, platformId, profile, at } = command;
  return [{ type: 'OperatorCreated', data: { operatorId, platformId, ...profile, createdAt: at } }];
}

const REQUIRED_FIELDS = ['name', 'plan', 'contactEmail'] as const;

function update(command: UpdateOperator, state: ExistingOperator): OperatorEvent[] {
  const cleared = REQUIRED_FIELDS.filter((field) => command.changes[field] === null);
  if (cleared.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'Required fields cannot be cleared',
      cleared.map((field) => ({ field, problems: [`${field} cannot be null`] })),
    );
  }
  const events: OperatorEvent[] = [];
  const changes = changedFields(state.profile, command.changes);
  if (Object.keys(changes).length > 0) {
    events.push({ type: 'OperatorUpdated', data: { operatorId: state.id, changes, updatedAt: command.at } });
  }
  if (command.status === 'suspended' && state.status === 'active') {
    events.push({ type: 'OperatorSuspended', data: { operatorId: state.id, suspendedAt: command.at } });
  }
  if (command.status === 'active' && state.status === 'suspended') {
    events.push({ type: 'OperatorReactivated', data: { operatorId: state.id, reactivatedAt: command.at } });
  }
  return events;
}

function suspend(command: SuspendOperator, state: ExistingOperator): OperatorEvent[] {
  if (state.status === 'suspended') return [];
  return [{ type: 'OperatorSuspended', data: { operatorId: state.id, suspendedAt: command.at } }];
}

function changedFields(current: OperatorProfile, requested: Partial<OperatorProfile>): Partial<OperatorProfile> {
  const changes: Record<string, unknown> = {};
  for (const field of Object.keys(requested) as (keyof OperatorProfile)[]) {
    const value = requested[field];
    if (value !== undefined && value !== current[field]) changes[field] = value;
  }
  return changes as Partial<OperatorProfile>;
}

function evolve(state: Operator, event: OperatorEvent): Operator {
  switch (event.type) {
    case 'OperatorCreated': {
      const { operatorId, platformId, name, plan, contactEmail, industry } = event.data;
      return { status: 'active', id: operatorId, platformId, profile: { name, plan, contactEmail, industry } };
    }
    case 'OperatorUpdated':
      if (state.status === 'none') return state;
      return { ...state, profile: { ...state.profile, ...event.data.changes } };
    case 'OperatorSuspended':
      if (state.status === 'none') return state;
      return { ...state, status: 'suspended' };
    case 'OperatorReactivated':
      if (state.status === 'none') return state;
      return { ...state, status: 'active' };
    default:
      return assertNever(event, 'operator event');
  }
}

export const operatorDecider: Decider<OperatorCommand, Operator, OperatorEvent> = {
  decide,
  evolve,
  initialState: () => ({ status: 'none' }),
};
