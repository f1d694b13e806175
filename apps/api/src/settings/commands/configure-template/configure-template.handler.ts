import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { settingsDecider, settingsStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/commands';
import { ConfigureTemplateCommand } from './configure-template.command';

@CommandHandler(ConfigureTemplateCommand)
export class ConfigureTemplateHandler implements ICommandHandler<ConfigureTemplateCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, template, context }: ConfigureTemplateCommand) {
    const { state } = await this.commands.execute(
      settingsDecider,
      settingsStream(operatorId),
      { type: 'ConfigureTemplate', operatorId, template, at: context.at },
      context,
    );
    return { template: state.template!, configuredAt: state.configuredAt! };
  }
}
