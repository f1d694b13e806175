import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { settingsDecider, settingsStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { ConfigureTemplate } from './configure-template.command';

@CommandHandler(ConfigureTemplate)
export class ConfigureTemplateHandler implements ICommandHandler<ConfigureTemplate> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, template, context }: ConfigureTemplate) {
    const { state } = await this.commands.execute(
      settingsDecider,
      settingsStream(operatorId),
      { type: 'ConfigureTemplate', operatorId, template, at: context.at },
      context,
    );
    return { template: state.template!, configuredAt: state.configuredAt! };
  }
}
