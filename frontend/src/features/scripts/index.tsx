/** Scripts page: installed scraper scripts and the network's catalogue, with install / trust. */
import { PageHeader } from '@/components/page-header'
import { CatalogueTable } from './catalogue-table'
import { InstalledTable } from './installed-table'

export default function ScriptsPage() {
  return (
    <>
      <PageHeader
        title="Scripts"
        description="Content-addressed scraper scripts known to this node"
      />
      <div className="space-y-4">
        <InstalledTable />
        <CatalogueTable />
      </div>
    </>
  )
}
