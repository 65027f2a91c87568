// Server settings: broker API keys, API tokens and users (admin), notifications (everyone reads, admin
// changes). What the user's scope cannot touch is not offered.
import { useSession } from '../api/session';
import { Card, PageTitle } from '../components/ui';
import { CredentialsCard } from './settings/CredentialsCard';
import { NotificationsCard } from './settings/NotificationsCard';
import { TokensCard } from './settings/TokensCard';
import { UsersCard } from './settings/UsersCard';

export function SettingsPage() {
  const { can } = useSession();
  const admin = can('admin');
  return (
    <>
      <PageTitle>Settings</PageTitle>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        {admin ? (
          <>
            <CredentialsCard />
            <TokensCard />
            <UsersCard />
          </>
        ) : (
          <Card title="API keys, tokens and users">
            <p className="text-sm text-slate-600">Broker credentials, API tokens and users need the admin scope.</p>
          </Card>
        )}
        <NotificationsCard canEdit={admin} />
      </div>
    </>
  );
}
