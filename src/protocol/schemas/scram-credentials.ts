// DescribeUserScramCredentials (50) and AlterUserScramCredentials (51): our definitions of the layouts.
// Mechanism: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. The client sends the salted password, never the password.
import { arrayOf, field, message, struct } from './types.js';

export const DescribeUserScramCredentialsRequest = message(50, 'DescribeUserScramCredentialsRequest', 'request', '0', '0+', [
  field('users', arrayOf(struct('UserName', [field('name', 'string', '0+')])), '0+', { nullable: '0+' }),
]);

export const DescribeUserScramCredentialsResponse = message(50, 'DescribeUserScramCredentialsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('results', arrayOf(struct('DescribeUserScramCredentialsResult', [
    field('user', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    field('credentialInfos', arrayOf(struct('CredentialInfo', [
      field('mechanism', 'int8', '0+'),
      field('iterations', 'int32', '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const AlterUserScramCredentialsRequest = message(51, 'AlterUserScramCredentialsRequest', 'request', '0', '0+', [
  field('deletions', arrayOf(struct('ScramCredentialDeletion', [
    field('name', 'string', '0+'),
    field('mechanism', 'int8', '0+'),
  ])), '0+'),
  field('upsertions', arrayOf(struct('ScramCredentialUpsertion', [
    field('name', 'string', '0+'),
    field('mechanism', 'int8', '0+'),
    field('iterations', 'int32', '0+'),
    field('salt', 'bytes', '0+'),
    field('saltedPassword', 'bytes', '0+'),
  ])), '0+'),
]);

export const AlterUserScramCredentialsResponse = message(51, 'AlterUserScramCredentialsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('results', arrayOf(struct('AlterUserScramCredentialsResult', [
    field('user', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ])), '0+'),
]);
