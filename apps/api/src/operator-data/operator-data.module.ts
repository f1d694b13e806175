import { Module } from '@nestjs/common';
import { EntityValidator } from './entity-validator';
import { EntitiesHttpController } from './entities/entities.http.controller';
import { EraseEntityHandler } from './entities/erase-entity.handler';
import { GetEntityHandler, ListEntitiesHandler } from './entities/entity-queries';
import { UpsertEntityHandler } from './entities/upsert-entity.handler';
import { ConfigureTemplateHandler } from './settings/configure-template.handler';
import { SettingsHttpController } from './settings/settings.http.controller';

const controllers = [SettingsHttpController, EntitiesHttpController];
const commandHandlers = [ConfigureTemplateHandler, UpsertEntityHandler, EraseEntityHandler];
const queryHandlers = [GetEntityHandler, ListEntitiesHandler];

/** Seed 001: the operator data API (templates, entities with encrypted personal data, erasure). */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers, EntityValidator] })
export class OperatorDataModule {}
