import { Global, Module } from '@nestjs/common';
import { PersonalDataCipher } from './personal-data.cipher';

/** The one cipher of personal data, for every feature (DESIGN.md §6). */
@Global()
@Module({ providers: [PersonalDataCipher], exports: [PersonalDataCipher] })
export class PersonalDataModule {}
