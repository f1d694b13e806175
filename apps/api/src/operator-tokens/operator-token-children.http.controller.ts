import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';
import { OperatorTokenGuard } from '../auth/operator-token.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { Ok, ok } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { Idempotent } from '../http/idempotency.interceptor';
import { ApiEnvelope, ApiErrors } from '../http/openapi';
import { MintChildKeyCommand } from './commands/mint-child-key/mint-child-key.command';
import { MintChildKeyRequest } from './commands/mint-child-key/mint-child-key.request.dto';
import { childNextSteps, baseUrlOf } from './next-steps';
import { MintedChildKeyResponse, toMintedChildKeyResponse } from './operator-token.response';

/** Seed 003: a fleet daemon mints its own child key, authenticated by the operator token and nothing else. */
@ApiTags('Operator tokens (seed 003)')
@ApiBearerAuth('operatorToken')
@UseGuards(OperatorTokenGuard)
@Controller('api/v1/operator-tokens')
export class OperatorTokenChildrenHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('mint-child')
  @Idempotent()
  @HttpCode(201)
  @FailureMessage('Failed to mint child key')
  @ApiOperation({ summary: 'Mint a child api_key (tier operator_child) under a new agent id; the key is returned once' })
  @ApiEnvelope(MintedChildKeyResponse, { status: 201, description: 'The child key (shown once), its agent and next steps' })
  @ApiErrors('VALIDATION_FAILED', 'MAX_CHILD_KEYS', 'KEY_SECRET_UNRECOVERABLE', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async mintChild(
    @Body() body: MintChildKeyRequest,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
    @Req() request: FastifyRequest,
  ): Promise<Ok<MintedChildKeyResponse>> {
    if (principal.via !== 'operator-token') throw new Error('mint-child is guarded by the operator token');
    const minted = await this.commands.execute(new MintChildKeyCommand(principal.operatorId, principal.tokenId, body.display_name ?? null, context));
    return ok(toMintedChildKeyResponse(minted, childNextSteps(baseUrlOf(request), minted.key)));
  }
}
