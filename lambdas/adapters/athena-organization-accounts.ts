/**
 * The organization's account ids, for an `injected` account projection when the user names no accounts: AWS
 * Organizations ListAccounts (management account or delegated administrator), all pages.
 */
import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';

/** Every account id of the organization, active or not (an account closed since still has logs), sorted. */
export async function listOrganizationAccountIds(client: OrganizationsClient): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListAccountsCommand({ NextToken: token }));
    for (const account of page.Accounts ?? []) if (account.Id) ids.push(account.Id);
    token = page.NextToken;
  } while (token);
  return ids.sort();
}
