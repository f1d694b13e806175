import { Body, Controller, Get, Inject, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError, MAX_EXTRA_FIELDS, resolveTemplate, Template } from '@onehazel/domain';
import { Collections, OperatorSettingsView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../infrastructure/tokens';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../../shared/auth/principal';
import { OperatorKeyGuard } from '../../shared/auth/operator-auth.guard';
import { Ok, ok } from '../../shared/http/envelope';
import { FailureMessage } from '../../shared/http/failure-message';
import { ApiErrors } from '../../shared/http/openapi';
import { KeepParsedBody, ParsedBodyField, UserNamedMap } from '../shared/names.validation';
import { ConfigureTemplate } from './configure-template.command';

export class SettingsRequest {
  @ApiProperty({
    description:
      'A built-in template\'s name ("igaming"), or a template: { name, entity_types: { <type>: { fields: { <field>: { type } }, ' +
      'required, pii_fields, allow_extra_fields? } }, event_pii_fields? }. Names (template, entity types, fields) are 1 to 64 ' +
      'lower-case letters, digits or underscores, starting with a letter. allow_extra_fields: true lets entity data hold up to ' +
      `${MAX_EXTRA_FIELDS} fields the entity type does not declare (stored encrypted); without it they are refused.`,
    example: 'igaming',
  })
  @UserNamedMap()
  template!: unknown;
}

type SettingsResponse = { template: Template; configuredAt: string };

/** Seed 001 "call PUT /settings first": the operator's template. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@UseGuards(OperatorKeyGuard)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api/settings')
export class SettingsHttpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {}

  @Put()
  @FailureMessage('Failed to save settings')
  @ApiOperation({ summary: 'Choose a built-in template or supply your own' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'INTERNAL_ERROR')
  async configure(
    @Body() _body: SettingsRequest,
    @ParsedBodyField('template') requested: unknown,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<SettingsResponse>> {
    if (requested == null) {
      throw new DomainError('VALIDATION_FAILED', 'The request is not valid', [{ field: 'template', problems: ['template is required'] }]);
    }
    const template = resolveTemplate(requested as string | Template);
    return ok(await this.commands.execute(new ConfigureTemplate(principal.operatorId, template, context)));
  }

  @Get()
  @FailureMessage('Failed to read settings')
  @ApiOperation({ summary: 'Your template' })
  @ApiErrors('TEMPLATE_NOT_CONFIGURED', 'UNAUTHORIZED', 'INTERNAL_ERROR')
  async get(@CurrentPrincipal() principal: OperatorPrincipal): Promise<Ok<SettingsResponse>> {
    const settings = (await this.read.get(Collections.operatorSettings, principal.operatorId)) as OperatorSettingsView | null;
    if (!settings) throw new DomainError('TEMPLATE_NOT_CONFIGURED', 'No template set — call PUT /operator-data-api/settings first');
    return ok({ template: settings.template, configuredAt: settings.configuredAt });
  }
}
