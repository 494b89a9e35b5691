using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using RpsServerless.Functions;
using RpsServerless.Functions.Diagnostics;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Traces, metrics and logs to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set; nothing otherwise.
builder.Services.AddAzureMonitorTelemetry(builder.Configuration);
builder.Services.AddRpsServerless(builder.Configuration);
builder.Build().Run();
