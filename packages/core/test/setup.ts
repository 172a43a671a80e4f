// Unit tests build requests offline; the SDK only needs a region and some credentials to sign.
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "ARTAITESTKEY";
process.env.AWS_SECRET_ACCESS_KEY ??= "artai-test-secret";
process.env.AWS_ENDPOINT_URL_S3 ??= "http://127.0.0.1:9";
process.env.SST_RESOURCE_App ??= JSON.stringify({ name: "artai", stage: "test" });
process.env.SST_RESOURCE_Uploads ??= JSON.stringify({ name: "artai-test-uploads" });
process.env.SST_RESOURCE_Outputs ??= JSON.stringify({ name: "artai-test-outputs" });
