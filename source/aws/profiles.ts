import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { UserError } from '../errors.js';

export type ProfileKind = 'sso' | 'role' | 'keys' | 'process' | 'other';

export interface ProfileInfo {
  readonly name: string;
  readonly kind: ProfileKind;
  readonly region?: string | undefined;
  /** The role, SSO account or source a profile stands for, never a secret. */
  readonly detail?: string | undefined;
}

function kindOf(settings: Record<string, string | undefined>): ProfileKind {
  if (settings.sso_session || settings.sso_start_url || settings.sso_account_id) return 'sso';
  if (settings.role_arn) return 'role';
  if (settings.credential_process) return 'process';
  if (settings.aws_access_key_id) return 'keys';
  return 'other';
}

/** Every profile of the shared config and credentials files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE honoured). */
export async function listProfiles(): Promise<ProfileInfo[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  return [...names]
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
    .map((name) => {
      const settings = { ...credentialsFile[name], ...configFile[name] } as Record<
        string,
        string | undefined
      >;
      const kind = kindOf(settings);
      const detail =
        kind === 'sso'
          ? [settings.sso_account_id, settings.sso_role_name].filter(Boolean).join(' ')
          : kind === 'role'
            ? `assumes ${settings.role_arn?.split('/').at(-1) ?? settings.role_arn}`
            : undefined;
      return { name, kind, region: settings.region, detail: detail || undefined };
    });
}

/** A clear error before the SDK's own, which names neither the files nor the profiles that exist. */
export async function assertProfileExists(profile: string): Promise<void> {
  const profiles = await listProfiles();
  if (profiles.some((candidate) => candidate.name === profile)) return;
  const known = profiles.map((candidate) => candidate.name);
  throw new UserError(
    `Profile ${profile} is not in ~/.aws/config or ~/.aws/credentials.`,
    known.length > 0
      ? `Use one of: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''} (or create it: aws configure --profile ${profile}).`
      : `Create it with aws configure --profile ${profile}, or drop --profile to use the environment's credentials.`,
  );
}
