/** The API bearer token field (stored in localStorage, sent with change requests). */
import { Eye, EyeOff } from 'lucide-react'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { setToken, useSettings } from '@/lib/settings'

export function TokenField() {
  const { token } = useSettings()
  const [draft, setDraft] = useState(token)
  const [shown, setShown] = useState(false)
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault()
        setToken(draft.trim())
      }}
    >
      <div className="relative w-full sm:w-80">
        <Input
          aria-label="API token"
          type={shown ? 'text' : 'password'}
          autoComplete="off"
          placeholder="api.token of this node"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          className="num pr-9"
        />
        <button
          type="button"
          aria-label={shown ? 'Hide token' : 'Show token'}
          onClick={() => setShown((s) => !s)}
          className="absolute top-2 right-2 text-muted-foreground"
        >
          {shown ? <EyeOff className="size-4" /> : <Eye className="size-4" />}
        </button>
      </div>
      <Button type="submit" size="sm" disabled={draft.trim() === token}>
        Save token
      </Button>
      {token && (
        <Button
          type="button"
          variant="ghost"
          size="sm"
          onClick={() => (setToken(''), setDraft(''))}
        >
          Forget
        </Button>
      )}
    </form>
  )
}
