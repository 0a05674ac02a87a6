/** The demo users supabase/seed.sql creates: one per role, one shared password. */
export const demoUsers = {
  password: 'arbidesk2026',
  users: [
    { role: 'admin', email: 'admin@demo.arbidesk.local' },
    { role: 'media_buyer', email: 'buyer@demo.arbidesk.local' },
    { role: 'affiliate_manager', email: 'affiliates@demo.arbidesk.local' },
    { role: 'finance', email: 'finance@demo.arbidesk.local' },
    { role: 'read_only', email: 'viewer@demo.arbidesk.local' },
  ],
} as const;
