import { Module } from '@nestjs/common';
import { ConfigureTemplateHandler } from './commands/configure-template/configure-template.handler';
import { OperatorSettingsHttpController } from './operator-settings.http.controller';
import { GetSettingsHandler } from './queries/get-settings/get-settings.handler';

const controllers = [OperatorSettingsHttpController];
const commandHandlers = [ConfigureTemplateHandler];
const queryHandlers = [GetSettingsHandler];

/** Seed 001's settings: the template an operator's entities are validated against. */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers] })
export class SettingsModule {}
