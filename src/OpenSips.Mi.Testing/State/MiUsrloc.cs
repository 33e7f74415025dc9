namespace OpenSips.Mi.Testing;

/// <summary>The usrloc table <c>location</c> of the emulator (AOR = user part, use_domain 0); thread-safe.</summary>
public sealed class MiUsrloc
{
    private readonly Lock _gate = new();
    private readonly List<(string Aor, List<MiContact> Contacts)> _aors = [];

    /// <summary>The only table name the emulator knows.</summary>
    public string TableName { get; init; } = "location";

    /// <summary>The AORs in dump order.</summary>
    public IReadOnlyList<string> Aors
    {
        get
        {
            lock (_gate)
            {
                return _aors.Select(a => a.Aor).ToArray();
            }
        }
    }

    /// <summary>Adds or replaces (same contact URI) a contact of an AOR.</summary>
    /// <param name="aor">The AOR.</param>
    /// <param name="contact">The contact.</param>
    public void Add(string aor, MiContact contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        lock (_gate)
        {
            var entry = _aors.FirstOrDefault(a => a.Aor == aor);
            if (entry.Contacts is null)
            {
                entry = (aor, []);
                _aors.Add(entry);
            }

            // An update keeps the contact's place in the list, as usrloc updates it in place.
            var i = entry.Contacts.FindIndex(c => c.Contact == contact.Contact);
            if (i >= 0)
            {
                entry.Contacts[i] = contact;
            }
            else
            {
                entry.Contacts.Add(contact);
            }
        }
    }

    /// <summary>The contacts of an AOR, or null when it is not registered.</summary>
    /// <param name="aor">The AOR.</param>
    /// <returns>The contacts or null.</returns>
    public IReadOnlyList<MiContact>? Find(string aor)
    {
        lock (_gate)
        {
            var entry = _aors.FirstOrDefault(a => a.Aor == aor);
            return entry.Contacts?.ToArray();
        }
    }

    /// <summary>Removes an AOR; false when it was not registered.</summary>
    /// <param name="aor">The AOR.</param>
    /// <returns>Whether it existed.</returns>
    public bool Remove(string aor)
    {
        lock (_gate)
        {
            return _aors.RemoveAll(a => a.Aor == aor) > 0;
        }
    }

    /// <summary>Removes one contact; false when the AOR or the contact is unknown. An AOR left empty is removed.</summary>
    /// <param name="aor">The AOR.</param>
    /// <param name="contact">The contact URI.</param>
    /// <returns>Whether it existed.</returns>
    public bool RemoveContact(string aor, string contact)
    {
        lock (_gate)
        {
            var entry = _aors.FirstOrDefault(a => a.Aor == aor);
            if (entry.Contacts is null || entry.Contacts.RemoveAll(c => c.Contact == contact) == 0)
            {
                return false;
            }

            if (entry.Contacts.Count == 0)
            {
                _aors.Remove(entry);
            }

            return true;
        }
    }

    /// <summary>Removes everything.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _aors.Clear();
        }
    }

    internal IReadOnlyList<(string Aor, MiContact[] Contacts)> Snapshot()
    {
        lock (_gate)
        {
            return _aors.Select(a => (a.Aor, a.Contacts.ToArray())).ToArray();
        }
    }
}
