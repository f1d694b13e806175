import type { SettingsEvent } from '@onehazel/domain';
import type { RecordedEvent } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { Collections, OperatorSettingsView } from './read-models';

/** Each operator's configured template. */
export const settingsProjection: Projection = {
  name: 'settings',
  collections: [Collections.operatorSettings],
  indexes: [],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    const event = recorded as unknown as SettingsEvent;
    if (event.type !== 'TemplateConfigured') return;
    const view: OperatorSettingsView = { id: event.data.operatorId, template: event.data.template, configuredAt: event.data.configuredAt };
    writer.put(Collections.operatorSettings, view);
  },
};
