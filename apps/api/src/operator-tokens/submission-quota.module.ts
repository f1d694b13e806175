import { Global, Module } from '@nestjs/common';
import { SubmissionQuota } from './submission-quota';

/** The operator tokens' quota, for the data API's writes (their SubmissionQuotaInterceptor) and the token queries. */
@Global()
@Module({ providers: [SubmissionQuota], exports: [SubmissionQuota] })
export class SubmissionQuotaModule {}
