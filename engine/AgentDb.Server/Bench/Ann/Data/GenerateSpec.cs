namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>The shape and seed of a <see cref="ClusteredGaussianGenerator"/> data set (<c>--generate N,Q,DIM,CLUSTERS --seed S</c>).</summary>
/// <param name="BaseCount">Vectors indexed.</param>
/// <param name="QueryCount">Vectors searched for.</param>
/// <param name="Dimension">Floats per vector.</param>
/// <param name="Clusters">Gaussian centres the vectors gather around.</param>
/// <param name="Seed">Seed of the generator.</param>
internal sealed record GenerateSpec(int BaseCount, int QueryCount, int Dimension, int Clusters, int Seed)
{
    /// <summary>A directory name that identifies this data set, for the on-disk cache.</summary>
    public string CacheName => $"gauss-n{BaseCount}-q{QueryCount}-d{Dimension}-c{Clusters}-s{Seed}";
}
