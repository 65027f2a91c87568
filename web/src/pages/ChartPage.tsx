// Placeholder while the page is built (issue 16): replaced by its real content.
import { PageTitle } from '../components/ui';

export function ChartPage() {
  return <PageTitle>Chart</PageTitle>;
}
