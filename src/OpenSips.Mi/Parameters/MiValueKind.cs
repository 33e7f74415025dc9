namespace OpenSips.Mi;

/// <summary>The JSON type an <see cref="MiValue"/> is sent as.</summary>
public enum MiValueKind
{
    /// <summary>JSON <c>null</c>.</summary>
    Null,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON integer (64-bit signed; OpenSIPS itself reads int params as C <c>int</c>).</summary>
    Integer,

    /// <summary>A JSON number with a fractional part.</summary>
    Double,

    /// <summary>A JSON boolean.</summary>
    Boolean,

    /// <summary>A JSON array of values.</summary>
    Array,

    /// <summary>A JSON object of named values.</summary>
    Object,
}
