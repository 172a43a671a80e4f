import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The site and the API share one origin (CloudFront in production, the local stack's proxy in
  // development); web never talks to a third-party host at run time. Under `sst dev` the site runs
  // as `next dev` outside CloudFront, and infra passes ARTAI_API_URL so `/api/*` still reaches the API.
  async rewrites() {
    const api = process.env.ARTAI_API_URL;
    return api
      ? [{ source: "/api/:path*", destination: `${api.replace(/\/$/, "")}/api/:path*` }]
      : [];
  },
};

export default nextConfig;
