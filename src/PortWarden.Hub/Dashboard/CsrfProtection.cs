using Microsoft.AspNetCore.Antiforgery;

namespace PortWarden.Hub.Dashboard;

/// <summary>
/// Cross-site request forgery protection for the session cookie: a request authenticated by the cookie that
/// changes something (any method but GET, HEAD, OPTIONS, TRACE) must carry the anti-forgery token (the
/// X-CSRF-TOKEN header, or the form field of the logout form), else it is refused with 403. Bearer calls are
/// not affected: a browser never adds their Authorization header by itself.
/// </summary>
public static class CsrfProtection
{
    public static IApplicationBuilder UseSessionCsrfProtection(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.IsSession() && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && !HttpMethods.IsOptions(context.Request.Method) && !HttpMethods.IsTrace(context.Request.Method))
            {
                var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
                {
                    await Results.Problem(
                        $"a request made with the dashboard session must carry its anti-forgery token in the {DashboardAuth.CsrfHeader} header; reload the page",
                        statusCode: StatusCodes.Status403Forbidden,
                        title: "Missing or invalid anti-forgery token.").ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        });
}
