/** Sidebar entries. */
import { Activity, FileCode2, LayoutDashboard, Network, Radio, Settings } from 'lucide-react'

export const navItems = [
  { to: '/', label: 'Overview', icon: LayoutDashboard, end: true },
  { to: '/quotes', label: 'Quotes', icon: Activity, end: false },
  { to: '/peers', label: 'Peers', icon: Network, end: false },
  { to: '/sources', label: 'Sources', icon: Radio, end: false },
  { to: '/scripts', label: 'Scripts', icon: FileCode2, end: false },
  { to: '/settings', label: 'Settings', icon: Settings, end: false },
] as const
