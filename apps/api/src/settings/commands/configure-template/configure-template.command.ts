import { Command } from '@nestjs/cqrs';
import type { CommandContext, Template } from '@onehazel/domain';

export class ConfigureTemplateCommand extends Command<{ template: Template; configuredAt: string }> {
  constructor(
    readonly operatorId: string,
    readonly template: Template,
    readonly context: CommandContext,
  ) {
    super();
  }
}
