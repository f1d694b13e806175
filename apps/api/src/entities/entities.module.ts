import { Module } from '@nestjs/common';
import { EraseEntityHandler } from './commands/erase-entity/erase-entity.handler';
import { UpsertEntityHandler } from './commands/upsert-entity/upsert-entity.handler';
import { EntityValidator } from './entity-validator';
import { OperatorEntitiesHttpController } from './operator-entities.http.controller';
import { GetEntityHandler } from './queries/get-entity/get-entity.handler';
import { GetEntityHistoryHandler } from './queries/get-entity-history/get-entity-history.handler';
import { ListEntitiesHandler } from './queries/list-entities/list-entities.handler';

const controllers = [OperatorEntitiesHttpController];
const commandHandlers = [UpsertEntityHandler, EraseEntityHandler];
const queryHandlers = [GetEntityHandler, ListEntitiesHandler, GetEntityHistoryHandler];

/** Seed 001: an operator's entities, validated against its template, with encrypted, erasable personal data. */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers, EntityValidator] })
export class EntitiesModule {}
