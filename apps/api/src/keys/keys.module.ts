import { Module } from '@nestjs/common';
import { ApiKeysHttpController } from './api-keys.http.controller';
import { DeleteKeyHandler } from './commands/delete-key/delete-key.handler';
import { IssueKeyHandler } from './commands/issue-key/issue-key.handler';
import { RenameKeyHandler } from './commands/rename-key/rename-key.handler';
import { RevokeKeyHandler } from './commands/revoke-key/revoke-key.handler';
import { OperatorKeysHttpController } from './operator-keys.http.controller';
import { HistoryHandler } from './queries/key-history/key-history.handler';
import { ListKeysHandler } from './queries/list-keys/list-keys.handler';

const controllers = [ApiKeysHttpController, OperatorKeysHttpController];
const commandHandlers = [IssueKeyHandler, RenameKeyHandler, RevokeKeyHandler, DeleteKeyHandler];
const queryHandlers = [ListKeysHandler, HistoryHandler];

/** Seed 002 (an operator's own keys) and seed 000's key endpoints (its platform's view). */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers] })
export class KeysModule {}
