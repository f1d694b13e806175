import { Module } from '@nestjs/common';
import { RecordActivityHandler } from './commands/record-activity/record-activity.handler';
import { OperatorActivityHttpController } from './operator-activity.http.controller';
import { GetEntityStateHandler } from './queries/get-entity-state/get-entity-state.handler';
import { ListEntityEventsHandler } from './queries/list-entity-events/list-entity-events.handler';

const controllers = [OperatorActivityHttpController];
const commandHandlers = [RecordActivityHandler];
const queryHandlers = [ListEntityEventsHandler, GetEntityStateHandler];

/** Seed 001's related events: activity recorded against an entity, and the states derived from it. */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers] })
export class ActivityModule {}
