import type { Decider, Event } from '../shared/event';
import { assertNever } from '../shared/errors';
import type { Template } from './template';

export const settingsStream = (operatorId: string): string => `settings-${operatorId}`;

export type TemplateConfigured = Event<'TemplateConfigured', { operatorId: string; template: Template; configuredAt: string }>;
export type SettingsEvent = TemplateConfigured;

export type ConfigureTemplate = Readonly<{ type: 'ConfigureTemplate'; operatorId: string; template: Template; at: string }>;
export type SettingsCommand = ConfigureTemplate;

export type Settings = Readonly<{ template: Template | null; configuredAt: string | null }>;

function decide(command: SettingsCommand, state: Settings): SettingsEvent[] {
  switch (command.type) {
    case 'ConfigureTemplate':
      // The same template again changes nothing.
      if (state.template && JSON.stringify(state.template) === JSON.stringify(command.template)) return [];
      return [
        { type: 'TemplateConfigured', data: { operatorId: command.operatorId, template: command.template, configuredAt: command.at } },
      ];
    default:
      return assertNever(command.type, 'settings command');
  }
}

function evolve(_state: Settings, event: SettingsEvent): Settings {
  return { template: event.data.template, configuredAt: event.data.configuredAt };
}

export const settingsDecider: Decider<SettingsCommand, Settings, SettingsEvent> = {
  decide,
  evolve,
  initialState: () => ({ template: null, configuredAt: null }),
};
