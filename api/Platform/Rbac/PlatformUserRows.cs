using MirrorGate.GrainInterfaces.Rbac;

namespace MirrorGate.Api.Platform.Rbac;

/// <summary>A user as the original's <c>users</c> row reads in answers (research D.3): snake_case names, <c>nick_name</c> falling back to the username.</summary>
public static class PlatformUserRows
{
    public static Dictionary<string, object?> Row(PlatformUser user) => new()
    {
        ["id"] = user.Id,
        ["username"] = user.Username,
        ["orgid"] = user.OrgId,
        ["nick_name"] = user.NickName ?? user.Username,
        ["mobile"] = user.Mobile,
        ["user_status"] = user.UserStatus,
        ["last_login"] = user.LastLogin?.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
        ["create_at"] = user.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
    };
}
