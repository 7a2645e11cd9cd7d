/// Which electrodes the cell has (model key `"Cell layout"`, docs/MODEL.md §Cell layouts).
public enum CellLayout: String, CaseIterable, Sendable {
    /// Composite positive electrode | solid-electrolyte separator | lithium-metal (or alloy) foil:
    /// the default, and the layout of every file without the key.
    case compositeSeparatorFoil = "composite | SE | foil"
    /// Lithium foil | solid-electrolyte separator | lithium foil: the symmetric cell on which the
    /// lithium interface is measured. No composite electrode; both foils alike, each with its own
    /// contact fraction when the lithium contact law is on.
    case symmetricLithium = "foil | SE | foil"
    /// Composite | solid-electrolyte separator | negative current collector: an anode-free cell,
    /// whose lithium is plated at the collector from the composite's inventory on charge and
    /// stripped back on discharge.
    case anodeFree = "composite | SE | collector"

    /// The model key.
    public static let key = "Cell layout"

    /// Whether the cell has a composite positive electrode (and needs its keys).
    public var hasCompositeElectrode: Bool { self != .symmetricLithium }
}
