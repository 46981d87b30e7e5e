/**
 * The `aws dynamodb` commands of docs/history-table.md, read out of the page and sent as the same SDK requests the AWS
 * CLI makes (`query` → QueryCommand, paginated as the CLI does; `scan` → ScanCommand; `batch-get-item` →
 * BatchGetItemCommand; `execute-statement` → ExecuteStatementCommand), so that the page cannot drift from what works.
 */
import {
  BatchGetItemCommand,
  ExecuteStatementCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';

export const HISTORY_DOC = new URL('../../docs/history-table.md', import.meta.url);

/** The shell blocks of the page, in order. */
export function shellBlocks(): string[] {
  const text = readFileSync(HISTORY_DOC, 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** The SQL blocks of the page, in order. */
export function sqlBlocks(): string[] {
  const text = readFileSync(HISTORY_DOC, 'utf8');
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** Splits one shell command into words: single quotes literal; double quotes with `\"`, `\\` and `$VAR`/`$(cat FILE)`. */
export function shellWords(command: string, variables: Record<string, string>): string[] {
  const words: string[] = [];
  let word: string | null = null;
  const append = (text: string) => (word = (word ?? '') + text);
  const expand = (source: string, at: number): [string, number] => {
    const sub = /^\$\(cat ([^)]+)\)/.exec(source.slice(at));
    if (sub) return [variables[sub[1]!] ?? '', at + sub[0].length];
    const name = /^\$([A-Z_]+)/.exec(source.slice(at));
    if (name) return [variables[name[1]!] ?? '', at + name[0].length];
    return ['$', at + 1];
  };
  for (let index = 0; index < command.length; ) {
    const char = command[index]!;
    if (char === "'") {
      const end = command.indexOf("'", index + 1);
      append(command.slice(index + 1, end));
      index = end + 1;
    } else if (char === '"') {
      index++;
      while (command[index] !== '"') {
        if (command[index] === '\\' && ['"', '\\', '$'].includes(command[index + 1]!)) {
          append(command[index + 1]!);
          index += 2;
        } else if (command[index] === '$') {
          const [text, next] = expand(command, index);
          append(text);
          index = next;
        } else append(command[index++]!);
      }
      index++;
    } else if (char === '$') {
      const [text, next] = expand(command, index);
      append(text);
      index = next;
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
      index++;
    } else {
      append(char);
      index++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** The commands of a block: continuation lines joined, one command a line. */
export function commandsOf(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** What a command printed (the CLI's JSON output) and the file it was redirected to. */
export interface CommandResult {
  output: any;
  redirectedTo?: string;
}

/**
 * Runs one `aws dynamodb …` command line with the SDK. `variables` holds `TABLE` and the files earlier commands
 * wrote (`pages.json`): the result's output goes there when redirected.
 */
export async function runAwsCommand(client: DynamoDBClient, line: string, variables: Record<string, string>): Promise<CommandResult> {
  const words = shellWords(line, variables);
  let redirectedTo: string | undefined;
  const redirect = words.indexOf('>');
  if (redirect >= 0) {
    redirectedTo = words[redirect + 1];
    words.splice(redirect, 2);
  }
  if (words[0] !== 'aws' || words[1] !== 'dynamodb') throw new Error(`not an aws dynamodb command: ${line}`);
  const operation = words[2]!;
  const flags: Record<string, string> = {};
  for (let index = 3; index < words.length; index++) {
    if (!words[index]!.startsWith('--')) throw new Error(`unexpected word ${words[index]} in ${line}`);
    flags[words[index]!.slice(2)] = words[++index]!;
  }
  // A flag the model does not know (a typo in the page) fails rather than being ignored.
  const known = ['table-name', 'index-name', 'key-condition-expression', 'filter-expression', 'projection-expression', 'expression-attribute-values', 'request-items', 'statement', 'query', 'output'];
  for (const flag of Object.keys(flags)) if (!known.includes(flag)) throw new Error(`--${flag} not modelled (in ${line})`);
  if (flags.output && flags.output !== 'json') throw new Error(`--output ${flags.output} not modelled`);
  const values = flags['expression-attribute-values'] ? (JSON.parse(flags['expression-attribute-values']) as Record<string, AttributeValue>) : undefined;
  let output: any;
  if (operation === 'query' || operation === 'scan') {
    const input = {
      TableName: flags['table-name'],
      IndexName: flags['index-name'],
      KeyConditionExpression: flags['key-condition-expression'],
      FilterExpression: flags['filter-expression'],
      ProjectionExpression: flags['projection-expression'],
      ExpressionAttributeValues: values,
    };
    // The CLI pages through every result and prints one merged answer.
    const items: Array<Record<string, AttributeValue>> = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const response: { Items?: Array<Record<string, AttributeValue>>; LastEvaluatedKey?: Record<string, AttributeValue> } =
        operation === 'query'
          ? await client.send(new QueryCommand({ ...input, ExclusiveStartKey }))
          : await client.send(new ScanCommand({ TableName: input.TableName, IndexName: input.IndexName, FilterExpression: input.FilterExpression, ProjectionExpression: input.ProjectionExpression, ExpressionAttributeValues: values, ExclusiveStartKey }));
      items.push(...(response.Items ?? []));
      ExclusiveStartKey = response.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    output = { Items: items, Count: items.length };
  } else if (operation === 'batch-get-item') {
    output = await client.send(new BatchGetItemCommand({ RequestItems: JSON.parse(flags['request-items']!) }));
  } else if (operation === 'execute-statement') {
    const items: Array<Record<string, AttributeValue>> = [];
    let NextToken: string | undefined;
    do {
      const response = await client.send(new ExecuteStatementCommand({ Statement: flags.statement, NextToken }));
      items.push(...(response.Items ?? []));
      NextToken = response.NextToken;
    } while (NextToken);
    output = { Items: items };
  } else throw new Error(`operation ${operation} not modelled`);
  if (flags.query === 'Items') output = output.Items;
  else if (flags.query) throw new Error(`--query ${flags.query} not modelled`);
  if (redirectedTo) variables[redirectedTo] = JSON.stringify(output);
  return { output, redirectedTo };
}

/** Runs every command of a block in turn; returns the last one's output. */
export async function runBlock(client: DynamoDBClient, block: string, variables: Record<string, string>): Promise<any> {
  let last: CommandResult | undefined;
  for (const line of commandsOf(block)) last = await runAwsCommand(client, line, variables);
  return last?.output;
}

/** The denials of page items (DynamoDB JSON), each field its own value, else the page's. */
export function denialsOfPages(items: ReadonlyArray<Record<string, AttributeValue>>): Array<Record<string, string | undefined>> {
  return items.flatMap((item) =>
    (item.denials?.L ?? []).map((element) => {
      const denial = element.M ?? {};
      const field = (name: string) => denial[name]?.S ?? item[name]?.S;
      return {
        eventId: field('eventId'),
        eventTime: field('eventTime'),
        principalArn: item.principalArn?.S,
        sessionName: field('sessionName'),
        action: field('action'),
        resource: field('resource'),
        denyLayer: field('denyLayer'),
        accountId: field('accountId'),
        region: field('region'),
        sourceIp: field('sourceIp'),
        fingerprint: field('fingerprint'),
      };
    }),
  );
}
