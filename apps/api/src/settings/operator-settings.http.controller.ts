import { Body, Controller, Get, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError, resolveTemplate, Template } from '@onehazel/domain';
import { OperatorKeyGuard } from '../auth/operator-auth.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { Ok, ok } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { KeepParsedBody, ParsedBodyField } from '../http/names.validation';
import { ApiErrors } from '../http/openapi';
import { ConfigureTemplateCommand } from './commands/configure-template/configure-template.command';
import { ConfigureTemplateRequest } from './commands/configure-template/configure-template.request.dto';
import { GetSettingsQuery, Settings } from './queries/get-settings/get-settings.query';

/** Seed 001 "call PUT /settings first": the operator's template. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@UseGuards(OperatorKeyGuard)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api/settings')
export class OperatorSettingsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put()
  @FailureMessage('Failed to save settings')
  @ApiOperation({ summary: 'Choose a built-in template or supply your own' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'INTERNAL_ERROR')
  async configure(
    @Body() _body: ConfigureTemplateRequest,
    @ParsedBodyField('template') requested: unknown,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<Settings>> {
    if (requested == null) {
      throw new DomainError('VALIDATION_FAILED', 'The request is not valid', [{ field: 'template', problems: ['template is required'] }]);
    }
    const template = resolveTemplate(requested as string | Template);
    return ok(await this.commands.execute(new ConfigureTemplateCommand(principal.operatorId, template, context)));
  }

  @Get()
  @FailureMessage('Failed to read settings')
  @ApiOperation({ summary: 'Your template' })
  @ApiErrors('TEMPLATE_NOT_CONFIGURED', 'UNAUTHORIZED', 'INTERNAL_ERROR')
  async get(@CurrentPrincipal() principal: OperatorPrincipal): Promise<Ok<Settings>> {
    return ok(await this.queries.execute(new GetSettingsQuery(principal.operatorId)));
  }
}
