/**
 * CORS headers for a function's responses, as Supabase's guide has functions send them
 * (https://supabase.com/docs/guides/functions/cors): the browser calls functions from the
 * app's origin with supabase-js's headers.
 */
export const corsHeaders: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
};
