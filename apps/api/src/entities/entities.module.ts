import { Module } from '@nestjs/common';
import { ActivityHttpController } from './activity/activity.http.controller';
import { RecordEventHandler } from './activity/record-event';
import { EntityValidator } from './entity-validator';
import { EntitiesHttpController } from './entities/entities.http.controller';
import { EraseEntityHandler } from './entities/erase-entity.handler';
import { GetEntityHandler, ListEntitiesHandler } from './entities/entity-queries';
import { UpsertEntityHandler } from './entities/upsert-entity.handler';
import { ConfigureTemplateHandler } from './settings/configure-template.handler';
import { SettingsHttpController } from './settings/settings.http.controller';

const controllers = [SettingsHttpController, EntitiesHttpController, ActivityHttpController];
const commandHandlers = [ConfigureTemplateHandler, UpsertEntityHandler, EraseEntityHandler, RecordEventHandler];
const queryHandlers = [GetEntityHandler, ListEntitiesHandler];

/** Seed 001: the operator data API (templates, entities with encrypted personal data, erasure). */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers, EntityValidator] })
export class OperatorDataModule {}
