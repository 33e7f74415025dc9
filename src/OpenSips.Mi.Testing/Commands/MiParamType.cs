namespace OpenSips.Mi.Testing;

/// <summary>How OpenSIPS's parameter getters check a parameter's JSON type.</summary>
public enum MiParamType
{
    /// <summary>A string (a JSON number is accepted and printed, as <c>get_mi_string_param</c> does).</summary>
    String,

    /// <summary>An int: a JSON number or a numeric string.</summary>
    Int,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>Anything (not checked).</summary>
    Any,
}
