// The dashboard's frame: the login page until there is a session, then the navigation and the pages. The live
// connection runs while logged in.
import { useEffect } from 'react';
import { Route, Routes } from 'react-router';
import { live } from './api/live';
import { useSession } from './api/session';
import { Layout } from './components/Layout';
import { BotPage } from './pages/BotPage';
import { ChartPage } from './pages/ChartPage';
import { LoginPage } from './pages/LoginPage';
import { LogsPage } from './pages/LogsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OverviewPage } from './pages/OverviewPage';
import { ResearchPage } from './pages/ResearchPage';
import { RiskPage } from './pages/RiskPage';
import { SettingsPage } from './pages/SettingsPage';
import { StrategiesPage } from './pages/StrategiesPage';

export function App() {
  const { user } = useSession();
  useEffect(() => live.setWanted(user !== null && user !== undefined), [user]);
  if (user === undefined) return <p className="p-6 text-sm text-slate-500">Loading…</p>;
  if (user === null) return <LoginPage />;
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<OverviewPage />} />
        <Route path="/bots/:id" element={<BotPage />} />
        <Route path="/chart" element={<ChartPage />} />
        <Route path="/strategies" element={<StrategiesPage />} />
        <Route path="/research" element={<ResearchPage />} />
        <Route path="/research/:jobId" element={<ResearchPage />} />
        <Route path="/risk" element={<RiskPage />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="/logs" element={<LogsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}
