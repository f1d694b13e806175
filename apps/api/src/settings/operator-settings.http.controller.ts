import { Body, Controller, Get, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError, resolveTemplate, Template } from '@onehazel/domain';
import { OperatorKeyGuard, OperatorOwnKeyGuard } from '../auth/operator-auth.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { Ok, ok } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { KeepParsedBody, ParsedBodyField } from '../http/names.validation';
import { ApiEnvelope, ApiErrors } from '../http/openapi';
import { ConfigureTemplateCommand } from './commands/configure-template/configure-template.command';
import { ConfigureTemplateRequest } from './commands/configure-template/configure-template.request.dto';
import { GetSettingsQuery, Settings } from './queries/get-settings/get-settings.query';
import { EntityTypeSchema, SettingsResponse, TemplateFieldSchema, TemplateSchema } from './settings.response';

/** Seed 001 "call PUT /settings first": the operator's template. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@ApiExtraModels(TemplateSchema, EntityTypeSchema, TemplateFieldSchema)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api/settings')
export class OperatorSettingsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put()
  @UseGuards(OperatorOwnKeyGuard)
  @FailureMessage('Failed to save settings')
  @ApiOperation({ summary: 'Choose a built-in template or supply your own' })
  @ApiBody({
    type: ConfigureTemplateRequest,
    examples: {
      builtIn: { summary: 'A built-in template, by name', value: { template: 'igaming' } },
      custom: {
        summary: 'A template of your own',
        value: {
          template: {
            name: 'shop',
            entity_types: {
              customer: {
                fields: { email: { type: 'email' }, country: { type: 'string' }, tier: { type: 'string' } },
                required: ['email', 'country'],
                pii_fields: ['email'],
                allow_extra_fields: true,
              },
            },
            event_pii_fields: ['ip_address'],
          },
        },
      },
    },
  })
  @ApiEnvelope(SettingsResponse, { description: 'The template now in force' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
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
  @UseGuards(OperatorKeyGuard)
  @FailureMessage('Failed to read settings')
  @ApiOperation({ summary: 'Your template' })
  @ApiEnvelope(SettingsResponse, { description: 'The template in force' })
  @ApiErrors('TEMPLATE_NOT_CONFIGURED')
  async get(@CurrentPrincipal() principal: OperatorPrincipal): Promise<Ok<Settings>> {
    return ok(await this.queries.execute(new GetSettingsQuery(principal.operatorId)));
  }
}
