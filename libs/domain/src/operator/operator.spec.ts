import { given } from '../shared/given-when-then.spec-helper';
import { OperatorCreated, operatorDecider } from './operator';

const at = '2026-04-06T12:00:00.000Z';
const later = '2026-04-07T12:00:00.000Z';
const profile = { name: 'Lucky Spin Casino', plan: 'professional' as const, contactEmail: 'admin@luckyspin.com', industry: 'igaming' };
const created: OperatorCreated = {
  type: 'OperatorCreated',
  data: { operatorId: 'op_1', platformId: 'plt_a', ...profile, createdAt: at },
};
const suspended = { type: 'OperatorSuspended' as const, data: { operatorId: 'op_1', suspendedAt: at } };

describe('operator decider', () => {
  it('creates an operator under the calling platform', () => {
    given(operatorDecider, [])
      .when({ type: 'CreateOperator', operatorId: 'op_1', platformId: 'plt_a', profile, at })
      .then([created]);
  });

  it('refuses to create the same operator twice', () => {
    given(operatorDecider, [created])
      .when({ type: 'CreateOperator', operatorId: 'op_1', platformId: 'plt_a', profile, at })
      .thenFails('CONFLICT');
  });

  it('records only the fields that change', () => {
    given(operatorDecider, [created])
      .when({
        type: 'UpdateOperator',
        operatorId: 'op_1',
        platformId: 'plt_a',
        changes: { plan: 'enterprise', name: 'Lucky Spin Casino' },
        at: later,
      })
      .then([{ type: 'OperatorUpdated', data: { operatorId: 'op_1', changes: { plan: 'enterprise' }, updatedAt: later } }]);
  });

  it('records nothing for an update that changes nothing', () => {
    given(operatorDecider, [created])
      .when({ type: 'UpdateOperator', operatorId: 'op_1', platformId: 'plt_a', changes: { plan: 'professional' }, status: 'active', at })
      .then([]);
  });

  it('reactivates a suspended operator when the status is set to active, alongside other changes', () => {
    given(operatorDecider, [created, suspended])
      .when({ type: 'UpdateOperator', operatorId: 'op_1', platformId: 'plt_a', changes: { plan: 'enterprise' }, status: 'active', at: later })
      .then([
        { type: 'OperatorUpdated', data: { operatorId: 'op_1', changes: { plan: 'enterprise' }, updatedAt: later } },
        { type: 'OperatorReactivated', data: { operatorId: 'op_1', reactivatedAt: later } },
      ]);
  });

  it('refuses to clear a required field', () => {
    given(operatorDecider, [created])
      .when({ type: 'UpdateOperator', operatorId: 'op_1', platformId: 'plt_a', changes: { name: null } as never, at: later })
      .thenFails('VALIDATION_FAILED');
  });

  it('clears the industry with null', () => {
    given(operatorDecider, [created])
      .when({ type: 'UpdateOperator', operatorId: 'op_1', platformId: 'plt_a', changes: { industry: null }, at: later })
      .then([{ type: 'OperatorUpdated', data: { operatorId: 'op_1', changes: { industry: null }, updatedAt: later } }]);
  });

  it('suspends through an update with status suspended', () => {
    given(operatorDecider, [created])
      .when({ type: 'UpdateOperator', operatorId: 'op_1', platformId: 'plt_a', changes: {}, status: 'suspended', at: later })
      .then([{ type: 'OperatorSuspended', data: { operatorId: 'op_1', suspendedAt: later } }]);
  });

  it('suspends an active operator, and suspending again changes nothing', () => {
    given(operatorDecider, [created])
      .when({ type: 'SuspendOperator', operatorId: 'op_1', platformId: 'plt_a', at: later })
      .then([{ type: 'OperatorSuspended', data: { operatorId: 'op_1', suspendedAt: later } }]);
    given(operatorDecider, [created, suspended])
      .when({ type: 'SuspendOperator', operatorId: 'op_1', platformId: 'plt_a', at: later })
      .then([]);
  });

  it("treats another platform's operator as not found", () => {
    given(operatorDecider, [created])
      .when({ type: 'SuspendOperator', operatorId: 'op_1', platformId: 'plt_b', at })
      .thenFails('OPERATOR_NOT_FOUND');
    given(operatorDecider, [created])
      .when({ type: 'UpdateOperator', operatorId: 'op_1', platformId: 'plt_b', changes: { plan: 'starter' }, at })
      .thenFails('OPERATOR_NOT_FOUND');
  });

  it('answers not found for an operator that does not exist', () => {
    given(operatorDecider, [])
      .when({ type: 'SuspendOperator', operatorId: 'op_1', platformId: 'plt_a', at })
      .thenFails('OPERATOR_NOT_FOUND');
  });
});
