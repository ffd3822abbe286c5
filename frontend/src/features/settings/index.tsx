/** Settings: API token and theme. */
import { PageHeader } from '@/components/page-header'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs'
import { useTheme, type ThemeChoice } from '@/lib/theme'
import { TokenField } from './token-field'

export default function SettingsPage() {
  const { choice, setTheme } = useTheme()
  return (
    <>
      <PageHeader title="Settings" description="Kept in this browser only" />
      <div className="grid max-w-3xl gap-4">
        <Card>
          <CardHeader>
            <div>
              <CardTitle>API token</CardTitle>
              <CardDescription>
                Sent as <span className="num">Authorization: Bearer …</span> with pause, resume,
                promote, install and trust.
              </CardDescription>
            </div>
          </CardHeader>
          <CardContent>
            <TokenField />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Theme</CardTitle>
          </CardHeader>
          <CardContent>
            <Tabs value={choice} onValueChange={(v) => setTheme(v as ThemeChoice)}>
              <TabsList aria-label="Theme">
                <TabsTrigger value="system">System</TabsTrigger>
                <TabsTrigger value="light">Light</TabsTrigger>
                <TabsTrigger value="dark">Dark</TabsTrigger>
              </TabsList>
            </Tabs>
          </CardContent>
        </Card>
      </div>
    </>
  )
}
