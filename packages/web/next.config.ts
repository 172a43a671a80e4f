import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The site and the API share one origin (CloudFront in production, the local stack's proxy in
  // development); web never talks to a third-party host at run time.
};

export default nextConfig;
