import { Module } from '@nestjs/common';
import { MintChildKeyHandler } from './commands/mint-child-key/mint-child-key.handler';
import { MintOperatorTokenHandler } from './commands/mint-operator-token/mint-operator-token.handler';
import { RevokeOperatorTokenHandler } from './commands/revoke-operator-token/revoke-operator-token.handler';
import { OperatorTokenChildrenHttpController } from './operator-token-children.http.controller';
import { OperatorTokensHttpController } from './operator-tokens.http.controller';
import { GetOperatorTokenHandler } from './queries/get-operator-token/get-operator-token.handler';
import { GetOperatorTokenHistoryHandler } from './queries/get-operator-token-history/get-operator-token-history.handler';
import { ListOperatorTokensHandler } from './queries/list-operator-tokens/list-operator-tokens.handler';

const controllers = [OperatorTokensHttpController, OperatorTokenChildrenHttpController];
const commandHandlers = [MintOperatorTokenHandler, RevokeOperatorTokenHandler, MintChildKeyHandler];
const queryHandlers = [ListOperatorTokensHandler, GetOperatorTokenHandler, GetOperatorTokenHistoryHandler];

/** Seed 003: operator tokens and the child keys fleet daemons mint with them. SubmissionQuota is global (SubmissionQuotaModule). */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers] })
export class OperatorTokensModule {}
