import { Module } from '@nestjs/common';
import { CreateOperatorHandler } from './commands/create-operator/create-operator.handler';
import { SuspendOperatorHandler } from './commands/suspend-operator/suspend-operator.handler';
import { UpdateOperatorHandler } from './commands/update-operator/update-operator.handler';
import { PlatformOperatorsHttpController } from './platform-operators.http.controller';
import { GetOperatorHandler } from './queries/get-operator/get-operator.handler';
import { GetOperatorHistoryHandler } from './queries/get-operator-history/get-operator-history.handler';
import { ListOperatorsHandler } from './queries/list-operators/list-operators.handler';

const controllers = [PlatformOperatorsHttpController];
const commandHandlers = [CreateOperatorHandler, UpdateOperatorHandler, SuspendOperatorHandler];
const queryHandlers = [GetOperatorHandler, ListOperatorsHandler, GetOperatorHistoryHandler];

/** Seed 000: a platform partner manages its operators. */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers] })
export class OperatorsModule {}
