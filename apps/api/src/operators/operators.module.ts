import { Module } from '@nestjs/common';
import { CreateOperatorHandler } from './commands/create-operator/create-operator.handler';
import { CreateOperatorHttpController } from './commands/create-operator/create-operator.http.controller';
import { SuspendOperatorHandler } from './commands/suspend-operator/suspend-operator.handler';
import { SuspendOperatorHttpController } from './commands/suspend-operator/suspend-operator.http.controller';
import { UpdateOperatorHandler } from './commands/update-operator/update-operator.handler';
import { UpdateOperatorHttpController } from './commands/update-operator/update-operator.http.controller';
import { GetOperatorHandler } from './queries/get-operator/get-operator.handler';
import { GetOperatorHttpController } from './queries/get-operator/get-operator.http.controller';
import { ListOperatorsHandler } from './queries/list-operators/list-operators.handler';
import { ListOperatorsHttpController } from './queries/list-operators/list-operators.http.controller';

import { OperatorContactCipher } from './operator-contact.cipher';

const controllers = [
  CreateOperatorHttpController,
  ListOperatorsHttpController,
  GetOperatorHttpController,
  UpdateOperatorHttpController,
  SuspendOperatorHttpController,
];
const commandHandlers = [CreateOperatorHandler, UpdateOperatorHandler, SuspendOperatorHandler];
const queryHandlers = [GetOperatorHandler, ListOperatorsHandler];

/** Seed 000: a platform partner manages its operators. */
@Module({
  controllers,
  providers: [...commandHandlers, ...queryHandlers, OperatorContactCipher],
})
export class OperatorsModule {}
